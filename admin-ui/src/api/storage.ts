// Small persisted values: the session token and the selected application / environment.
// localStorage may be unavailable (privacy modes): then the values live for the page only.

const memory = new Map<string, string>();

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return memory.get(key) ?? null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    if (value === null) memory.delete(key);
    else memory.set(key, value);
  }
}

export const KEYS = {
  session: 'realtime.admin.session',
  application: 'realtime.admin.application',
  environment: 'realtime.admin.environment',
} as const;

export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export function isEnvironment(v: unknown): v is Environment {
  return typeof v === 'string' && (ENVIRONMENTS as readonly string[]).includes(v);
}

export const sessionStore = {
  get: (): string | null => read(KEYS.session),
  set: (token: string): void => write(KEYS.session, token),
  clear: (): void => write(KEYS.session, null),
};

export const scopeStore = {
  application: (): string => read(KEYS.application) ?? 'default',
  setApplication: (id: string): void => write(KEYS.application, id),
  environment: (): Environment => {
    const v = read(KEYS.environment);
    return isEnvironment(v) ? v : 'development';
  },
  setEnvironment: (env: Environment): void => write(KEYS.environment, env),
};
