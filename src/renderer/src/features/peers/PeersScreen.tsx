// Peers: what to give the other operator, adding a peer by its pinned key, and each peer's replication at a glance.
import { useEffect } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Spinner } from '../../components/Spinner';
import { PEERS_REFRESH_MS, usePeers } from '../../stores/peers';
import { AddPeerCard } from './AddPeerCard';
import { PeerEvents } from './PeerEvents';
import { PeerRow } from './PeerRow';
import { ShareCard } from './ShareCard';

export function PeersScreen() {
  const { peers, self, refresh } = usePeers();

  useEffect(() => {
    void refresh();
    // Status, lag and counts change while replication runs: keep them current while the screen is open.
    const timer = setInterval(() => void refresh(), PEERS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  return (
    <main className="dashboard" data-testid="peers-screen">
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
        {peers.error ? <ErrorNotice error={peers.error} onRetry={() => void refresh()} /> : null}
        {peers.value === null && peers.phase !== 'error' ? <Spinner label="Loading peers…" /> : null}
        {peers.value !== null && peers.value.length === 0 ? (
          <p className="empty" data-testid="peers-empty">
            No peers yet. Add one above; its operator adds this node on their side.
          </p>
        ) : null}
        {peers.value !== null && peers.value.length > 0 ? (
          <div className="table-scroll">
            <table className="table" data-testid="peers-table">
              <thead>
                <tr>
                  <th scope="col">Peer</th>
                  <th scope="col">Status</th>
                  <th scope="col">Pinned key</th>
                  <th scope="col">Last pull</th>
                  <th scope="col">Facts received</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {peers.value.map((p) => (
                  <PeerRow key={p.id} peer={p} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      <PeerEvents />
    </main>
  );
}
