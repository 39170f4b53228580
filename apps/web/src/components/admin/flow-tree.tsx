import type { RouterOutputs } from '@fjord/api';
import Link from 'next/link';
import { formatMs } from './admin-format';

type Node = RouterOutputs['admin']['flow'];

function FlowNodeItem({ node, currentId }: { node: Node; currentId?: string }) {
  const ran = node.processedOn && node.finishedOn ? node.finishedOn - node.processedOn : null;
  const waited = node.processedOn ? node.processedOn - node.timestamp : null;
  return (
    <li>
      <span
        className={`flow-node flow-node--${node.state}`}
        aria-current={node.id === currentId ? 'true' : undefined}
      >
        <Link href={`/admin/jobs/${encodeURIComponent(node.id)}`}>{node.id}</Link>{' '}
        <span className="muted">({node.queue})</span> <strong>{node.state}</strong>
        <span className="muted">
          {' '}
          · waited {formatMs(waited)} · ran {formatMs(ran)}
        </span>
        {node.failedReason && <span className="flow-node__error"> — {node.failedReason}</span>}
      </span>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((c) => (
            <FlowNodeItem key={c.id} node={c} currentId={currentId} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** notify → finalize → transcode children, each with state, timing and error. */
export function FlowTree({ root, currentId }: { root: Node; currentId?: string }) {
  return (
    <ul className="flow-tree" aria-label="Flow">
      <FlowNodeItem node={root} currentId={currentId} />
    </ul>
  );
}
