namespace MnistLeNet.Tests;

public class ReferenceRunTests
{
    [Theory]
    [InlineData("learning rate 0.001: test accuracy 9.8 %", "learning rate 0.001: test accuracy 11.9 %")]     // within 3 points
    [InlineData("digit 0:  89.6 % right (878 of 980)", "digit 0: 89.6 % right (900 of 980)")]               // counts within 5%
    [InlineData("batch 10: 2,000 steps, 3,846 images/s", "batch 10: 2,000 steps, 9,999 images/s")]          // speeds are not compared
    [InlineData("largest difference: 2.4E-007", "largest difference: 9.1E-006")]                            // rounding errors stay tiny
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
