import { useI18n } from '../../i18n';

export function DesignerPage() {
  const { t } = useI18n();
  return <div className="placeholder">{t('nav.designer')}</div>;
}
