import { describeModelContract } from '@labbench/tensor/testing';
import plugin from '../src/index.js';
import { tinyConfig } from './helpers.js';

const factory = plugin.models![0];
describeModelContract(factory, { ...tinyConfig, objective: 'mlm' });
describeModelContract({ ...factory, id: 'dial-mae-encoder (dial-mae objective)' }, { ...tinyConfig, objective: 'dial-mae' });
