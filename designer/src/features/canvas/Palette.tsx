import type { DragEvent } from 'react';
import type { NodeKind } from '../../model/dsl';
import { useI18n } from '../../i18n';

export const paletteKinds: NodeKind[] = ['start', 'task', 'decision', 'parallel', 'wait', 'service', 'end'];
export const dragType = 'application/bpm-node-kind';

/** Node kinds to drag onto the canvas (HTML5 drag and drop); a click adds one in the middle of the view. */
export function Palette({ onAdd }: { onAdd: (kind: NodeKind) => void }) {
  const { t } = useI18n();
  const start = (e: DragEvent, kind: NodeKind) => {
    e.dataTransfer.setData(dragType, kind);
    e.dataTransfer.setData('text/plain', kind);
    e.dataTransfer.effectAllowed = 'copy';
  };
  return (
    <div className="palette" data-testid="palette">
      <div className="palette-title">{t('palette.title')}</div>
      {paletteKinds.map((kind) => (
        <div key={kind} className={`palette-item kind-${kind}`} draggable data-testid={`palette-${kind}`} onDragStart={(e) => start(e, kind)}
          onClick={() => onAdd(kind)} role="button" tabIndex={0} title={t('palette.hint')}
          onKeyDown={(e) => { if (e.key === 'Enter') onAdd(kind); }}>
          {t(`kind.${kind}`)}
        </div>
      ))}
    </div>
  );
}
