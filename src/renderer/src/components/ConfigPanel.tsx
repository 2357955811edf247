import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ownValue, type ConfigValue } from '../../../model';
import { coerce, resolveFields, type ConfigField } from '../lib/config-fields';
import { isPending, type ConfigState } from '../store/config-writer';
import { useCamera, useCameraActions } from '../store/camera-scope';

function Readout({ field, value }: { field: ConfigField; value: ConfigValue }) {
  return (
    <output className="cfg-value" data-testid={`config-${field.key}-value`} htmlFor={`cfg-${field.key}`}>
      {typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value)}
    </output>
  );
}

/** Number/text fields commit on Enter or blur, not per keystroke (a half-typed number is not a value). */
function CommitInput({
  field,
  value,
  pending,
}: {
  field: ConfigField;
  value: ConfigValue;
  pending: boolean;
}) {
  const [draft, setDraft] = useState(String(value));
  const { editConfig } = useCameraActions();
  useEffect(() => setDraft(String(value)), [value]);
  const commit = () => {
    if (draft === String(value)) return;
    editConfig(field.key, coerce(field, draft, value));
  };
  const c = field.control;
  return (
    <input
      id={`cfg-${field.key}`}
      data-testid={`config-${field.key}`}
      data-pending={pending ? 'true' : undefined}
      type={c.kind === 'number' ? 'number' : 'text'}
      step={c.kind === 'number' ? c.step : undefined}
      min={c.kind === 'number' ? c.min : undefined}
      max={c.kind === 'number' ? c.max : undefined}
      value={draft}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e: KeyboardEvent<HTMLInputElement>) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') setDraft(String(value));
      }}
    />
  );
}

function Field({ field, value, pending }: { field: ConfigField; value: ConfigValue; pending: boolean }) {
  const id = `cfg-${field.key}`;
  const { editConfig, setConfigDragging } = useCameraActions();
  const common = {
    id,
    'data-testid': `config-${field.key}`,
    'data-pending': pending ? 'true' : undefined,
    'aria-describedby': field.description ? `${id}-desc` : undefined,
  };
  const c = field.control;
  let control;
  if (c.kind === 'slider') {
    const drag = (on: boolean) => () => setConfigDragging(field.key, on);
    control = (
      <input
        {...common}
        type="range"
        min={c.min}
        max={c.max}
        step={c.step}
        value={typeof value === 'number' ? value : Number(value)}
        aria-valuetext={String(value)}
        onChange={(e) => editConfig(field.key, coerce(field, e.target.value, value))}
        onPointerDown={drag(true)}
        onPointerUp={drag(false)}
        onPointerCancel={drag(false)}
        onBlur={drag(false)}
      />
    );
  } else if (c.kind === 'toggle') {
    control = (
      <input
        {...common}
        type="checkbox"
        role="switch"
        checked={value === true}
        onChange={(e) => editConfig(field.key, e.target.checked)}
      />
    );
  } else if (c.kind === 'select') {
    control = (
      <select
        {...common}
        value={String(value)}
        onChange={(e) => editConfig(field.key, coerce(field, e.target.value, value))}
      >
        {c.options.map((o) => (
          <option key={String(o)} value={String(o)}>
            {String(o)}
          </option>
        ))}
      </select>
    );
  } else {
    control = <CommitInput field={field} value={value} pending={pending} />;
  }
  return (
    <div className={`cfg-row cfg-${c.kind}${pending ? ' is-pending' : ''}`}>
      <label htmlFor={id} className="cfg-label" title={field.description}>
        {field.title}
      </label>
      {control}
      <Readout field={field} value={value} />
      {field.description && (
        <span id={`${id}-desc`} className="visually-hidden">
          {field.description}
        </span>
      )}
    </div>
  );
}

/** Above this many keys only the rows in view are rendered (a camera decides how many keys it sends). */
export const VIRTUAL_AFTER = 60;
const ROW_PX = 32;
/** The list's height before the browser has measured it (also what a server-side render lays out). */
const INITIAL_VIEW_PX = 480;

function FieldRow({ field, config }: { field: ConfigField; config: ConfigState }) {
  // own values only: a key named "constructor" must never show Object's source
  const value = ownValue(config.shown, field.key) ?? ownValue(config.confirmed, field.key);
  if (value === undefined) return null;
  return <Field field={field} value={value} pending={isPending(config, field.key)} />;
}

/** A long config: a scroll box of its own that renders only the rows in view (plus a few for scrolling). */
function VirtualFields({ fields, config }: { fields: ConfigField[]; config: ConfigState }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: fields.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_PX,
    getItemKey: (i) => fields[i]!.key,
    overscan: 8,
    initialRect: { width: 0, height: INITIAL_VIEW_PX },
  });
  return (
    <div
      ref={scrollRef}
      className="cfg-scroll"
      data-testid="config-scroll"
      style={{ maxHeight: '60vh', height: INITIAL_VIEW_PX, overflow: 'auto' }}
    >
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((row) => (
          <div
            key={row.key}
            data-index={row.index}
            ref={v.measureElement}
            style={{
              position: 'absolute',
              top: 0,
              left: 0,
              width: '100%',
              transform: `translateY(${row.start}px)`,
            }}
          >
            <FieldRow field={fields[row.index]!} config={config} />
          </div>
        ))}
      </div>
    </div>
  );
}

/** Controls generated from the config channel's readback and its published schema. */
export function ConfigPanel() {
  const { config, connected } = useCamera(
    useShallow((v) => ({ config: v.config, connected: v.connection.kind === 'connected' })),
  );
  const { loadConfig } = useCameraActions();
  const fields = useMemo(
    () => resolveFields(config.confirmed, config.schema),
    [config.confirmed, config.schema],
  );
  const inFlight = config.inFlight !== null;

  return (
    <div data-testid="config-panel" className="config-panel" aria-busy={inFlight}>
      <div className="panel-tools">
        <span className="muted">
          {config.channel ? `channel “${config.channel}”` : 'no config channel'}
          {fields.length > VIRTUAL_AFTER ? ` · ${fields.length} keys` : ''}
        </span>
        <button
          type="button"
          className="small"
          onClick={() => void loadConfig()}
          disabled={!connected}
          title="Read the config again"
        >
          Reload
        </button>
      </div>
      {fields.length === 0 ? (
        <p className="muted empty">
          {connected ? 'The camera publishes no config.' : 'Connect to see the camera’s config.'}
        </p>
      ) : (
        <form className="cfg-form" onSubmit={(e) => e.preventDefault()}>
          <fieldset disabled={!connected}>
            <legend className="visually-hidden">Camera config</legend>
            {fields.length > VIRTUAL_AFTER ? (
              <VirtualFields fields={fields} config={config} />
            ) : (
              fields.map((f) => <FieldRow key={f.key} field={f} config={config} />)
            )}
          </fieldset>
        </form>
      )}
    </div>
  );
}
