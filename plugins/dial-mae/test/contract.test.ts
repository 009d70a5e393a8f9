import { describeModelContract } from '@labbench/tensor/testing';
import plugin from '../src/index.js';
import { tinyConfig } from './helpers.js';

const factory = plugin.models![0];
describeModelContract(factory, { ...tinyConfig, objective: 'mlm' });
// the suite trains on a plain-text stream, so pairs come from the window split here (threads need a pair stream; see stream-pairs.test.ts)
describeModelContract({ ...factory, id: 'dial-mae-encoder (dial-mae objective)' }, { ...tinyConfig, objective: 'dial-mae', pairSource: 'windows' });
