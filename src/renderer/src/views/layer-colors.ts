// Colour classes per layer and per namespace; the colours themselves live in the theme CSS.

import type { Layer } from "../../../shared/trace/types";

export const layerClass = (layer: Layer): string => `layer-${layer}`;

/** Namespaces get one of eight theme colours, in order of first appearance. */
export const nspClass = (index: number): string => `nsp-${index % 8}`;
