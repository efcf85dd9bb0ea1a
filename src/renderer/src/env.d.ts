// Ambient types for the renderer build: CSS files imported for their side effect.
declare module "*.css";
