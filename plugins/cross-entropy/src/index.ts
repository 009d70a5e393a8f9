import { definePlugin } from '@labbench/core';
import { crossEntropyLoss } from '@labbench/tensor';

/** Token-level cross-entropy, the default training loss (implemented once in @labbench/tensor). */
export const crossEntropy = crossEntropyLoss;

export default definePlugin({ id: 'cross-entropy', losses: [crossEntropy] });
