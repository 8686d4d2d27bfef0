import { useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';

interface VirtualRowsProps {
  count: number;
  rowHeight: number;
  rowKey(index: number): string | number;
  renderRow(index: number, style: { transform: string; height: number }): ReactNode;
  className?: string;
  testId?: string;
  empty?: ReactNode;
}

/** A fixed-row-height virtual list: only the rows on screen are in the DOM (10k-node trees, 100k-row reviews). */
export function VirtualRows({ count, rowHeight, rowKey, renderRow, className, testId, empty }: VirtualRowsProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    getItemKey: rowKey,
  });
  return (
    <div className={`virtual-scroll ${className ?? ''}`} ref={scrollRef} data-testid={testId}>
      <div className="virtual-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => renderRow(item.index, { transform: `translateY(${item.start}px)`, height: rowHeight }))}
      </div>
      {count === 0 && empty}
    </div>
  );
}
