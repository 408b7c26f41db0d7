// Shapes the designer uses: from the OpenAPI snapshot (Schemas[...]) wherever it describes them, hand-written from
// issue 7's contracts for what it does not (yet): the supervision endpoints, built on another branch.
import type { Schemas } from './client';

export type Diagnostic = Schemas['DiagnosticView'];
export type ValidationResult = Schemas['ValidationView'];
export type Power = Schemas['PowerView'];
export type PowerVersion = Schemas['VersionView'];
export type Publish = Schemas['PublishView'];
export type Diff = Schemas['DiffView'];
export type DefinitionChange = Schemas['DefinitionChange'];

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export type Draft = Schemas['DraftView'];

export interface LimitView {
  value: number;
  unit: string;
  text: string;
}

export interface SimulationRequest {
  text: string;
  acceptedOn: string;
  choices?: Record<string, string>;
}

export interface SimulatedNode {
  nodeId: string;
  name: string;
  startsAt: string;
  dueAt: string;
  limit: LimitView | null;
  branch: string | null;
}

export interface Simulation {
  acceptedOn: string;
  promisedDue: string;
  legalDue: string;
  promisedLimit: LimitView;
  legalLimit: LimitView;
  nodes: SimulatedNode[];
  pathExceedsPromised: boolean;
  pathExceedsLegal: boolean;
  problems: { code: string; message: string; nodeId: string | null }[];
}

export type TemplatePreviewRequest = Schemas['TemplatePreviewRequest'];

export type TemplatePreview = Schemas['TemplatePreviewView'];

export type Directory = Schemas['DirectoryView'];

export interface NodeTimingRow {
  powerCode: string;
  nodeId: string;
  nodeName: string;
  visits: number;
  completed: number;
  open: number;
  avgWorkingHours: number;
  medianWorkingHours: number;
  p90WorkingHours: number;
  maxWorkingHours: number;
  medianWorkingDays: number;
  p90WorkingDays: number;
  onTimeRate: number;
  earlyRate: number;
  overdue: number;
}

export interface NodeTiming {
  rows: NodeTimingRow[];
  percentileMethod: string;
}

export type Light = 'green' | 'yellow' | 'red' | 'redCard';

export interface LightBoardItem {
  caseId: string;
  caseNumber: string;
  powerCode: string;
  powerName: string;
  nodeId: string;
  nodeName: string;
  department: string;
  handler: string | null;
  light: Light;
  suspended: boolean;
  remainingWorkingHours: number;
  dueAt: string;
}

export interface LightBoard {
  counts: { green: number; yellow: number; red: number; redCard: number; suspended: number };
  items: LightBoardItem[];
  total: number;
  page: number;
  pageSize: number;
}
