import { useEffect, useId, useLayoutEffect, useRef, type ReactNode } from 'react';

interface ModalProps {
  title: string;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  size?: 'small' | 'large';
  testId?: string;
}

/** A dialog over the screen; Escape or the close button dismisses it. */
export function Modal({ title, onClose, children, footer, size = 'small', testId }: ModalProps) {
  const titleId = useId();
  const boxRef = useRef<HTMLDivElement>(null);
  // Callers pass a fresh onClose each render; the listener reads the latest without re-running the focus effect.
  const closeRef = useRef(onClose);
  useLayoutEffect(() => {
    closeRef.current = onClose;
  });
  useEffect(() => {
    const box = boxRef.current;
    const first = box?.querySelector<HTMLElement>('[data-autofocus], input:not([readonly]), select, textarea, button:not(.modal-close)');
    first?.focus();
    const onKey = (event: KeyboardEvent) => {
      // Only the topmost dialog closes (a confirmation above a form); a large form is not thrown away by a stray Escape.
      if (event.key !== 'Escape' || box === null || size === 'large') return;
      const dialogs = document.querySelectorAll('.modal');
      if (dialogs[dialogs.length - 1] === box) closeRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [size]);
  return (
    <div className="modal-backdrop">
      <div ref={boxRef} className={`modal modal-${size}`} role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid={testId}>
        <div className="modal-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="modal-close" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </div>
        <div className="modal-body">{children}</div>
        {footer !== undefined && <div className="modal-foot">{footer}</div>}
      </div>
    </div>
  );
}

interface ConfirmProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
  testId?: string;
}

/** An explicit yes/no: the consequence is spelled out in `children`, the button names the action. */
export function ConfirmDialog({ title, children, confirmLabel, danger = false, busy = false, onConfirm, onCancel, testId }: ConfirmProps) {
  return (
    <Modal
      title={title}
      onClose={onCancel}
      testId={testId}
      footer={
        <>
          <button type="button" className="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="button" className={`button ${danger ? 'button-danger' : 'button-primary'}`} onClick={onConfirm} disabled={busy} data-testid="confirm-action" data-autofocus>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      {children}
    </Modal>
  );
}
