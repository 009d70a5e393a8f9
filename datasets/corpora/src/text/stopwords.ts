/**
 * English function words. A cloze target must not be one of them: predicting "the" or "it" says
 * little about a model's grasp of the passage (LAMBADA's targets are content words too).
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by
  can cannot could did do does doing down during each few for from further had has have having he her here hers herself
  him himself his how i if in into is it its itself just let me more most my myself no nor not now of off on once only
  or other ought our ours ourselves out over own same shall she should so some such than that the their theirs them
  themselves then there these they this those through to too under until up upon very was we were what when where which
  while who whom why will with would yet you your yours yourself yourselves also may might must one ones shall us
  thus hence therefore however whose within without among amongst toward towards per via unto thee thou thy thine ye
  said says say yes oh well much many every either neither`.split(/\s+/),
);
