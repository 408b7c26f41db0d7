// Registration points for features that live outside the editor (see designer/README.md "Registration points").
// A feature folder adds `register.ts` (src/features/<name>/register.ts or src/pages/<name>/register.ts); the shell
// imports every such file at start-up (shell/plugins.ts), so adding a panel or a page never edits shell files.
import type { ComponentType, CSSProperties } from 'react';
import type { Role } from '../auth/session';
import type { Definition } from '../model/dsl';

/** A page in the left navigation, routed at /designer/<path>. */
export interface PageRegistration {
  id: string;
  /** Route under /designer/, without a leading slash, e.g. "supervision" (nested routes: "supervision/*"). */
  path: string;
  /** i18n key of the navigation label; omit to route without a navigation entry. */
  navLabelKey?: string;
  /** Lower comes first; the designer is 0. */
  order?: number;
  /** Shown only to users with one of these roles (administrators see everything). */
  roles?: Role[];
  component: ComponentType;
}

/** Something drawn on a canvas node or a simple-view step by a panel (timing overlay, diff, simulation). */
export interface NodeDecoration {
  /** Background/border colours etc. merged into the node box. */
  style?: CSSProperties;
  /** Short text shown in a corner of the node, e.g. "p90 3.2 天" or "10-22". */
  badge?: string;
  /** Hover text (several lines allowed). */
  title?: string;
  /** Extra CSS class: "added" | "removed" | "changed" have built-in styles. */
  className?: string;
}

/** What a panel gets from the editor: the open document and ways to point at it. Also available through useDesigner(). */
export interface DesignerApi {
  /** The document being edited (DSL JSON, layout included). */
  definition: Definition;
  /** The same document as YAML text (what validate/simulate/preview endpoints take). */
  text: string;
  /** The published power this document was opened from, if any. */
  source: { powerCode: string; version: number } | null;
  selectedNodeId: string | null;
  selectNode: (nodeId: string | null) => void;
  /** Replaces the decorations this panel (owner) puts on nodes; null clears them. Several owners may decorate at once. */
  setDecorations: (owner: string, decorations: Record<string, NodeDecoration> | null) => void;
  /** Opens another document in the editor (e.g. an older version from history). Undo brings the previous one back. */
  openDefinition: (definition: Definition, source?: { powerCode: string; version: number } | null) => void;
}

/** A tab in the designer's right-hand side panel (next to 属性). */
export interface PanelRegistration {
  id: string;
  /** i18n key of the tab title. */
  titleKey: string;
  order?: number;
  roles?: Role[];
  component: ComponentType<{ designer: DesignerApi }>;
}

/** A slot inside the property panel, e.g. the template preview under a document template's body. */
export interface SlotRegistration<P> {
  id: string;
  component: ComponentType<P>;
}

/** Props of the `template-preview` slot: rendered under each document template in the property panel. */
export interface TemplatePreviewSlotProps {
  designer: DesignerApi;
  templateId: string;
}

const pages: PageRegistration[] = [];
const panels: PanelRegistration[] = [];
const slots = new Map<string, SlotRegistration<never>>();

export function registerPage(page: PageRegistration): void {
  if (!pages.some((p) => p.id === page.id)) pages.push(page);
}

export function registerPanel(panel: PanelRegistration): void {
  if (!panels.some((p) => p.id === panel.id)) panels.push(panel);
}

/** Known slot ids: "template-preview" (TemplatePreviewSlotProps). The last registration wins. */
export function registerSlot<P>(slot: SlotRegistration<P>): void {
  slots.set(slot.id, slot as unknown as SlotRegistration<never>);
}

export function registeredPages(): PageRegistration[] {
  return [...pages].sort((a, b) => (a.order ?? 100) - (b.order ?? 100));
}

export function registeredPanels(): PanelRegistration[] {
  return [...panels].sort((a, b) => (a.order ?? 100) - (b.order ?? 100));
}

export function registeredSlot<P>(id: string): SlotRegistration<P> | undefined {
  return slots.get(id) as unknown as SlotRegistration<P> | undefined;
}
