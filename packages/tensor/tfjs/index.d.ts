// '#tfjs': TensorFlow.js for @labbench/tensor, with the types of @tensorflow/tfjs. index.js
// (generated) loads the bundle with require(), which starts 3-5x faster than an import of it.
export * from '@tensorflow/tfjs';
