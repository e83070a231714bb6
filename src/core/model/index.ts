/**
 * Model construction. 'softmax' and 'mlp' need class labels; 'linear' is squared-error
 * regression on a numeric label.
 */
import { createGlm } from './glm';
import { createMlp } from './mlp';
import type { Model, ModelSpec } from './types';

export * from './types';
export { createGlm } from './glm';
export { createMlp, type Activation } from './mlp';
export * from './objective';

/** A model and the spec it was built from (so another thread can build the same model). */
export function createModel(spec: ModelSpec): Model {
  const model = ((): Model => {
    switch (spec.kind) {
      case 'softmax':
        return createGlm('softmax', spec.d, spec.classes);
      case 'linear':
        return createGlm('linear', spec.d, 1);
      case 'mlp':
        return createMlp(spec.d, spec.hiddenUnits ?? 16, spec.classes, spec.activation ?? 'tanh', spec.task);
    }
  })();
  return { ...model, spec: { ...spec } };
}
