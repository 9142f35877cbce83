namespace MnistLeNet.Tests;

public class ReferenceRunTests
{
    [Theory]
    [InlineData("learning rate 0.001: test accuracy 9.8 %", "learning rate 0.001: test accuracy 11.9 %")]     // within 3 points
    [InlineData("digit 0:  89.6 % right (878 of 980)", "digit 0: 89.6 % right (900 of 980)")]               // counts within 5%
    [InlineData("batch 10: 2,000 steps, 3,846 images/s", "batch 10: 2,000 steps, 9,999 images/s")]          // speeds are not compared
    [InlineData("largest difference: 2.4E-007", "largest difference: 9.1E-006")]                            // rounding errors stay tiny
    [InlineData("digit 5:  68.6 % right", "digit 0:  89.6 % right\ndigit 5:  68.6 % right")]                // any line may be the one
    [InlineData("seed 2, epoch 1: 8 3 5 7 6 2 3 7 8 1", "seed 2, epoch 1:             8 3 5 7 6 2 3 7 8 1")] // "2," is 2 and a comma
    [InlineData("conv3      [4,120,1,1]          48,120", "conv3      [4,120,1,1]          48,120")]
    public void A_quote_matches_output_with_the_same_words_and_numbers_within_the_tolerances(string quote, string printed) =>
        Assert.Null(ReferenceRun.Mismatch(quote, "first line\n" + printed + "\nlast line"));

    [Theory]
    [InlineData("learning rate 0.001: test accuracy 9.8 %", "learning rate 0.001: test accuracy 13.0 %")]     // 3.2 points off
    [InlineData("blank page: predicted 1 with probability 33.0 %", "blank page: predicted 7 with probability 33.0 %")] // another digit
    [InlineData("digit 0:  89.6 % right (878 of 980)", "digit 0: 89.6 % right (700 of 980)")]
    [InlineData("seed 1: test accuracy 80.8 %", "seed one: test accuracy 80.8 %")]                           // other words
    [InlineData("largest difference: 2.4E-007", "largest difference: 0.5")]
    public void A_quote_does_not_match_output_that_differs_beyond_them(string quote, string printed) =>
        Assert.NotNull(ReferenceRun.Mismatch(quote, printed));
}
