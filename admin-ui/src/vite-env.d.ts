/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Base URL of the realtime server's API, e.g. http://localhost:3000. Empty: same origin. */
  readonly VITE_API_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
