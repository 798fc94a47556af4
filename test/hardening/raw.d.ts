// Vite's `?raw` imports (the source text of a module), as vitest resolves them in workerd too.
declare module '*?raw' {
  const text: string;
  export default text;
}
