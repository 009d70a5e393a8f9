import { sha256, Rng } from '@labbench/core'; console.log(sha256('x'), new Rng(1).float());
