/**
 * The Tk-instruct detector's test rule (HC3 Plus code): every template gives a vote, `human`,
 * `machine` or `invalid` (an unparseable answer, counted for neither). The text is called human
 * only when human votes strictly outnumber machine votes; ties, and all-invalid votes, go to machine.
 */
export type Vote = 'human' | 'machine' | 'invalid';

export function majorityVote(votes: readonly Vote[]): 'human' | 'machine' {
  let human = 0;
  let machine = 0;
  for (const v of votes) { if (v === 'human') human++; else if (v === 'machine') machine++; }
  return human > machine ? 'human' : 'machine';
}

/** One template's vote from the answer log-likelihoods; equal or non-finite scores are invalid. */
export function voteOf(humanLogLikelihood: number, machineLogLikelihood: number): Vote {
  if (!Number.isFinite(humanLogLikelihood) || !Number.isFinite(machineLogLikelihood) || humanLogLikelihood === machineLogLikelihood) return 'invalid';
  return machineLogLikelihood > humanLogLikelihood ? 'machine' : 'human';
}
