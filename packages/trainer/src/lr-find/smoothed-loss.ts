/**
 * fastai's AvgSmoothLoss: an exponential moving average of the batch losses, debiased for its start
 * (value = avg / (1 − βⁿ) after n losses), so that the first points are not pulled towards 0.
 */
export class SmoothedLoss {
  private average = 0;
  private count = 0;

  constructor(readonly beta = 0.98) {}

  add(loss: number): number {
    this.count += 1;
    this.average = this.beta * this.average + (1 - this.beta) * loss;
    return this.value;
  }

  get value(): number {
    return this.count ? this.average / (1 - this.beta ** this.count) : NaN;
  }
}
