// A result message's words handed to the page's live region when the result arrives; the visible message itself is
// not a live region, so it is announced once.
import { useEffect } from 'react';
import { useAnnouncer } from '../stores/announcer';

// Results already announced: a screen opened again shows its last result without saying it again.
const announced = new WeakSet<object>();

/** `of`: the result the message is about (a store's object, kept while it is shown). */
export function Announce({ message, of }: { message: string; of: object }) {
  const announce = useAnnouncer((s) => s.announce);
  useEffect(() => {
    if (announced.has(of)) return;
    announced.add(of);
    announce(message);
  }, [announce, message, of]);
  return null;
}

/** The live region itself: present from the start, empty until a result is announced. */
export function ResultAnnouncer() {
  const { message, seq } = useAnnouncer();
  return (
    <div className="visually-hidden" role="status" data-testid="result-announcer">
      {/* A new node each time: an addition inside the region is what a screen reader hears. */}
      {message === '' ? null : <span key={seq}>{message}</span>}
    </div>
  );
}
