// Imports every feature's and page's register.ts so their registerPage/registerPanel/registerSlot calls run before
// the first render. Vite resolves the glob at build time: a new folder with a register.ts is picked up by itself.
import.meta.glob(['../features/*/register.ts', '../features/*/register.tsx', '../pages/*/register.ts', '../pages/*/register.tsx'], { eager: true });
