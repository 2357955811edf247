// A React context that must be provided: its hook throws where no provider is above, instead of handing out null.
import { createContext, useContext, type ReactNode } from 'react';

export function requiredContext<T>(what: string) {
  const Context = createContext<T | null>(null);
  function Provider({ value, children }: { value: T; children: ReactNode }) {
    return <Context.Provider value={value}>{children}</Context.Provider>;
  }
  function useValue(): T {
    const value = useContext(Context);
    if (value === null) throw new Error(`no ${what} provider above this component`);
    return value;
  }
  return [Provider, useValue] as const;
}
