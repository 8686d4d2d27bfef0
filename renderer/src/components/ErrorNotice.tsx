import type { ApiError } from '../../../shared/api/contract.js';
import { adviceFor } from '../api/errors.js';

/** An API error as an engineer reads it: what failed, the host's message and code, what to do (per code, unless the caller knows better). */
export function ErrorNotice({ what, error, advice }: { what: string; error: ApiError; advice?: string }) {
  return (
    <div className="error-notice" role="alert" data-testid="api-error" data-code={error.code}>
      <div className="error-title">
        {what}: {error.message} <span className="error-code">(code: {error.code})</span>
      </div>
      <div className="error-advice">{advice ?? adviceFor(error)}</div>
    </div>
  );
}
