/// <reference types="vitest" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The server serves dist/ at /designer (engine/Bpm.Server/Hosting/DesignerFiles.cs), so every asset URL starts there.
// `npm run dev` proxies the API to a server started with `dotnet run --project engine/Bpm.Server` (BPM_SERVER overrides).
const server = process.env.BPM_SERVER ?? 'http://localhost:5080';

export default defineConfig({
  base: '/designer/',
  plugins: [react()],
  // fs.allow: the login page imports ../samples/users.json from outside this folder.
  server: { proxy: { '/api': server, '/openapi': server }, fs: { allow: ['..'] } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  worker: { format: 'es' },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20000,
  },
});
