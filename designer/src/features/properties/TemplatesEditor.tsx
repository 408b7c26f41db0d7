import { useState } from 'react';
import type { Definition } from '../../model/dsl';
import { definitions } from '../../api/endpoints';
import { registeredSlot, type DesignerApi, type TemplatePreviewSlotProps } from '../../shell/registry';
import { useI18n } from '../../i18n';
import { TextInput } from './fields';

type Template = NonNullable<Definition['templates']>[number];

/** Server-rendered preview of one template on sample data (POST /api/definitions/templates/preview). */
function BuiltInPreview({ designer, templateId }: TemplatePreviewSlotProps) {
  const { t } = useI18n();
  const [body, setBody] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setError(null);
    try {
      const r = await definitions.previewTemplate({ text: designer.text, templateId, data: null });
      setBody(r.body);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div className="template-preview">
      <button type="button" data-testid={`btn-preview-${templateId}`} onClick={run}>{t('template.preview')}</button>
      {error && <div className="error">{error}</div>}
      {body !== null && <pre data-testid={`template-preview-${templateId}`}>{body}</pre>}
    </div>
  );
}

export function TemplatesEditor({ definition, onChange, designer }: { definition: Definition; onChange: (next: Definition, key?: string) => void; designer: DesignerApi }) {
  const { t } = useI18n();
  const templates = definition.templates ?? [];
  const Preview = registeredSlot<TemplatePreviewSlotProps>('template-preview')?.component ?? BuiltInPreview;
  const update = (next: Template[], key?: string) => onChange({ ...definition, templates: next.length ? next : undefined }, key);
  const patch = (i: number, p: Partial<Template>, field: string) => update(templates.map((x, k) => (k === i ? { ...x, ...p } : x)), `template:${i}:${field}`);
  return (
    <div data-testid="prop-templates">
      {templates.map((tpl, i) => (
        <div className="template-card" key={i}>
          <TextInput label={t('template.id')} testid={`prop-template-${i}-id`} value={tpl.id} onChange={(v) => patch(i, { id: v }, 'id')} />
          <TextInput label={t('template.name')} testid={`prop-template-${i}-name`} value={tpl.name} onChange={(v) => patch(i, { name: v }, 'name')} />
          <TextInput label={t('template.body')} testid={`prop-template-${i}-body`} value={tpl.body} multiline onChange={(v) => patch(i, { body: v }, 'body')} />
          <Preview designer={designer} templateId={tpl.id} />
          <button type="button" data-testid={`btn-remove-template-${i}`} onClick={() => update(templates.filter((_, k) => k !== i))}>{t('template.remove')}</button>
        </div>
      ))}
      <button type="button" data-testid="btn-add-template" onClick={() => update([...templates, { id: `template-${templates.length + 1}`, name: t('template.newName'), body: '{{applicant.name}}：\n' }])}>+ {t('template.add')}</button>
    </div>
  );
}
