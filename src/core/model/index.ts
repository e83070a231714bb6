/**
 * Model construction. 'softmax' and 'mlp' need class labels; 'linear' is squared-error
 * regression on a numeric label.
 */
import { createGlm } from './glm';
import { type Activation, createMlp } from './mlp';
import type { Model, ModelKind } from './types';

export * from './types';
export { createGlm } from './glm';
export { createMlp, type Activation } from './mlp';
export * from './objective';

export interface ModelSpec {
  kind: ModelKind;
  /** Feature count incl. intercept. */
  d: number;
  /** Number of classes (ignored for 'linear'). */
  classes: number;
  task: 'classification' | 'regression';
  hiddenUnits?: number;
  activation?: Activation;
}

export function createModel(spec: ModelSpec): Model {
  switch (spec.kind) {
    case 'softmax':
      return createGlm('softmax', spec.d, spec.classes);
    case 'linear':
      return createGlm('linear', spec.d, 1);
    case 'mlp':
      return createMlp(spec.d, spec.hiddenUnits ?? 16, spec.classes, spec.activation ?? 'tanh', spec.task);
  }
}
