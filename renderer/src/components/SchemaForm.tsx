import { describeLimits, type FieldModel, type FormValue, type FormValues, variantKey } from '../forms/schema-form.js';

interface SchemaFormProps {
  fields: readonly FieldModel[];
  values: FormValues;
  /** Problems per field key (local parse errors and the host's issues). */
  errors: Readonly<Record<string, string>>;
  onChange(key: string, value: FormValue): void;
}

function optionLabel(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function FieldInput({ field, value, invalid, onChange }: { field: FieldModel; value: FormValue | undefined; invalid: boolean; onChange(value: FormValue): void }) {
  const common = { id: `field-${field.key}`, 'data-testid': `settings-field-${field.key}`, 'aria-invalid': invalid, 'aria-describedby': `help-${field.key}` };
  const text = typeof value === 'string' ? value : '';
  switch (field.kind) {
    case 'boolean':
      return <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
    case 'enum':
      return (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          {!field.required && <option value="">(driver default)</option>}
          {field.options.map((option) => (
            <option key={String(option)} value={String(option)}>
              {optionLabel(option)}
            </option>
          ))}
        </select>
      );
    case 'const':
      return <input {...common} type="text" value={optionLabel(field.value)} readOnly />;
    case 'number':
    case 'integer':
      return (
        <input
          {...common}
          type="text"
          inputMode={field.kind === 'integer' ? 'numeric' : 'decimal'}
          value={text}
          placeholder={field.default === undefined ? '' : String(field.default)}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'string':
      return (
        <input
          {...common}
          type={field.secret ? 'password' : 'text'}
          autoComplete={field.secret ? 'new-password' : 'off'}
          spellCheck={false}
          value={text}
          maxLength={field.maxLength}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'array': {
      const items = Array.isArray(value) ? value : [];
      return (
        <textarea
          {...common}
          rows={Math.min(6, Math.max(2, items.length + 1))}
          spellCheck={false}
          value={items.join('\n')}
          onChange={(e) => onChange(e.target.value.split('\n'))}
        />
      );
    }
    case 'json':
      return <textarea {...common} rows={4} spellCheck={false} className="mono" value={text} onChange={(e) => onChange(e.target.value)} />;
    case 'object':
    case 'union':
      return null;
  }
}

function FieldRow({ field, values, errors, onChange }: { field: FieldModel } & Omit<SchemaFormProps, 'fields'>) {
  if (field.kind === 'object') {
    return (
      <fieldset className="form-group">
        <legend>
          {field.name}
          {field.required ? <span className="required" title="required"> *</span> : <span className="muted"> (optional: left out unless you change something in it)</span>}
        </legend>
        {field.description !== undefined && <p className="field-help">{field.description}</p>}
        {field.fields.map((child) => (
          <FieldRow key={child.key} field={child} values={values} errors={errors} onChange={onChange} />
        ))}
      </fieldset>
    );
  }
  if (field.kind === 'union') {
    const key = variantKey(field);
    const chosen = typeof values[key] === 'string' ? (values[key] as string) : String(field.variants[0]?.value ?? '');
    const variant = field.variants.find((v) => String(v.value) === chosen) ?? field.variants[0];
    const error = errors[key] ?? errors[field.key];
    return (
      <fieldset className="form-group">
        <legend>
          {field.name}
          {field.required && <span className="required" title="required"> *</span>}
        </legend>
        {field.description !== undefined && <p className="field-help">{field.description}</p>}
        <div className={`form-row${error !== undefined ? ' has-error' : ''}`}>
          <label htmlFor={`field-${key}`} className="form-label">
            {field.discriminator}
          </label>
          <div className="form-control">
            <select id={`field-${key}`} data-testid={`settings-field-${key}`} aria-invalid={error !== undefined} value={chosen} onChange={(e) => onChange(key, e.target.value)}>
              {field.variants.map((v) => (
                <option key={String(v.value)} value={String(v.value)}>
                  {v.label}
                </option>
              ))}
            </select>
            <div className="field-help">The fields below follow from this choice.</div>
            {error !== undefined && <div className="field-error">{error}</div>}
          </div>
        </div>
        {variant?.fields.map((child) => (
          <FieldRow key={child.key} field={child} values={values} errors={errors} onChange={onChange} />
        ))}
      </fieldset>
    );
  }
  const error = errors[field.key];
  const limits = describeLimits(field);
  const hint = field.kind === 'array' ? 'one item per line' : field.kind === 'json' ? 'JSON' : '';
  return (
    <div className={`form-row${error !== undefined ? ' has-error' : ''}${field.kind === 'boolean' ? ' form-row-check' : ''}`}>
      <label htmlFor={`field-${field.key}`} className="form-label">
        {field.name}
        {field.required && (
          <span className="required" title="required">
            {' '}
            * required
          </span>
        )}
      </label>
      <div className="form-control">
        <FieldInput field={field} value={values[field.key]} invalid={error !== undefined} onChange={(v) => onChange(field.key, v)} />
        <div className="field-help" id={`help-${field.key}`}>
          {field.description}
          {(limits !== '' || hint !== '') && <span className="field-limits"> {[limits, hint].filter((t) => t !== '').join(' · ')}</span>}
        </div>
        {error !== undefined && (
          <div className="field-error" role="alert" data-testid={`field-error-${field.key}`}>
            {error}
          </div>
        )}
      </div>
    </div>
  );
}

/** A form generated from a driver's settings schema; the schema's descriptions and limits are the help text. */
export function SchemaForm({ fields, values, errors, onChange }: SchemaFormProps) {
  return (
    <div className="schema-form">
      {fields.map((field) => (
        <FieldRow key={field.key} field={field} values={values} errors={errors} onChange={onChange} />
      ))}
    </div>
  );
}
