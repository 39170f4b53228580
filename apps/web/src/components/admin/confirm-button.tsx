'use client';

import { useState } from 'react';

/**
 * Two steps for anything that changes the pipeline: the first click asks, the second acts. Inline
 * rather than window.confirm, so the question names the target and keyboard users keep focus.
 */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  isPending,
  isDanger = false,
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  isPending?: boolean;
  isDanger?: boolean;
}) {
  const [isAsking, setIsAsking] = useState(false);
  if (!isAsking) {
    return (
      <button
        type="button"
        className={isDanger ? 'button button--danger' : 'button'}
        disabled={isPending}
        onClick={() => setIsAsking(true)}
      >
        {isPending ? `${label}…` : label}
      </button>
    );
  }
  return (
    <span role="group" aria-label={question} className="confirm">
      <span className="confirm__question">{question}</span>
      <button
        type="button"
        className={isDanger ? 'button button--danger' : 'button'}
        autoFocus
        onClick={() => {
          setIsAsking(false);
          onConfirm();
        }}
      >
        Yes, {label.toLowerCase()}
      </button>
      <button type="button" className="button button--ghost" onClick={() => setIsAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
