// Peers: what to give the other operator, adding a peer by its pinned key, and each peer's replication at a glance.
import { Table } from '../../components/Table';
import { ListState } from '../../components/ListState';
import { useEffect } from 'react';
import { PEERS_REFRESH_MS, usePeers } from '../../stores/peers';
import { AddPeerCard } from './AddPeerCard';
import { PeerEvents } from './PeerEvents';
import { PeerRow } from './PeerRow';
import { ShareCard } from './ShareCard';
import { ScreenMain } from '../../components/ScreenMain';

export function PeersScreen() {
  const { peers, self, refresh } = usePeers();

  useEffect(() => {
    void refresh();
    // Status, lag and counts change while replication runs: keep them current while the screen is open.
    const timer = setInterval(() => void refresh(), PEERS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  return (
    <ScreenMain screen="peers" testId="peers-screen">
      <div className="dashboard__grid">
        <div className="dashboard__column">
          <ShareCard status={self.value} />
        </div>
        <div className="dashboard__column">
          <AddPeerCard />
        </div>
      </div>
      <section className="card" aria-labelledby="peers-title">
        <h2 id="peers-title" className="card__title">
          Peers
        </h2>
        <ListState
          loadable={peers}
          items={peers.value}
          onRetry={() => void refresh()}
          empty={
            <p className="empty" data-testid="peers-empty">
              No peers yet. Add one above; its operator adds this node on their side.
            </p>
          }
        >
          {(list) => (
            <Table columns={['Peer', 'Status', 'Pinned key', 'Last pull', 'Facts received']} actions testId="peers-table">
              {list.map((p) => (
                <PeerRow key={p.id} peer={p} />
              ))}
            </Table>
          )}
        </ListState>
      </section>
      <PeerEvents />
    </ScreenMain>
  );
}
