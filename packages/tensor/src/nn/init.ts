import * as tf from '#tfjs';
import { deriveSeed } from '@labbench/core';

/**
 * Creates named, seeded variables. The same seed and names give bit-identical weights, whatever the
 * order in which other variables are created.
 */
let instances = 0;

/**
 * Variable names are `<instance>/<local name>`: tfjs refuses two variables with one name, and several
 * models live at once (a converted model and its source). Seeds and weight matching use the local
 * name only, so they do not depend on how many models were built before.
 */
export function localName(variable: tf.Variable): string {
  return variable.name.slice(variable.name.indexOf('/') + 1);
}

export class ParameterFactory {
  readonly variables: tf.Variable[] = [];

  constructor(private readonly seed: number, private readonly prefix = '', private readonly instance = `m${++instances}`) {}

  /** A child factory whose names share a prefix (e.g. `layer3.`). */
  scope(name: string): ParameterFactory {
    const child = new ParameterFactory(this.seed, `${this.prefix}${name}.`, this.instance);
    // children append to the same list so the model owns every variable in creation order
    (child as { variables: tf.Variable[] }).variables = this.variables;
    return child;
  }

  private add(name: string, value: tf.Tensor): tf.Variable {
    const variable = tf.variable(value, true, `${this.instance}/${this.prefix}${name}`);
    value.dispose();
    this.variables.push(variable);
    return variable;
  }

  normal(name: string, shape: number[], std: number): tf.Variable {
    // tfjs treats seed 0 as "no seed", so never pass 0
    return this.add(name, tf.randomNormal(shape, 0, std, 'float32', deriveSeed(this.seed, `${this.prefix}${name}`) || 1));
  }

  ones(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.ones(shape));
  }

  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.zeros(shape));
  }

  fromTensor(name: string, value: tf.Tensor): tf.Variable {
    return this.add(name, tf.clone(value));
  }
}

/** Number of scalars in a list of variables. */
export function countParameters(variables: readonly tf.Variable[]): number {
  return variables.reduce((n, v) => n + v.size, 0);
}
