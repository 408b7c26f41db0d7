import { createContext, useContext } from 'react';
import type { DesignerApi } from './registry';

export const DesignerContext = createContext<DesignerApi | null>(null);

/** The open document and editor actions, for panels and slots rendered inside the designer page. */
export function useDesigner(): DesignerApi {
  const api = useContext(DesignerContext);
  if (!api) throw new Error('useDesigner() outside the designer page');
  return api;
}
