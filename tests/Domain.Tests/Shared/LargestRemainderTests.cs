using System.Numerics;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Tests.Shared;

public class LargestRemainderTests
{
    private static long[] Split(long cents, params long[] weights) =>
        LargestRemainder.Allocate(new Money(cents), weights).Select(m => m.Cents).ToArray();

    [Fact]
    public void Exact_quotas_are_kept() => Split(1000, 3, 7).ShouldBe([300, 700]);

    [Fact]
    public void Leftover_cents_go_to_the_largest_remainders()
    {
        // 11 × 4/7 = 6.29, 11 × 2/7 = 3.14, 11 × 1/7 = 1.57: the last has the largest remainder.
        Split(11, 4, 2, 1).ShouldBe([6, 3, 2]);
        Split(11, 1, 2, 4).ShouldBe([2, 3, 6]);
    }

    [Fact]
    public void Ties_go_to_the_lowest_index()
    {
        Split(100, 1, 1, 1).ShouldBe([34, 33, 33]);
        Split(100, 1, 1, 1, 1, 1, 1).ShouldBe([17, 17, 17, 17, 16, 16]);
    }

    [Fact]
    public void Zero_weights_get_nothing() => Split(10, 0, 1, 0).ShouldBe([0, 10, 0]);

    [Fact]
    public void Negative_totals_mirror_positive_ones() => Split(-100, 1, 1, 1).ShouldBe([-34, -33, -33]);

    [Fact]
    public void Extreme_values_do_not_overflow()
    {
        Split(long.MaxValue, long.MaxValue, long.MaxValue).ShouldBe([long.MaxValue / 2 + 1, long.MaxValue / 2]);
        Split(long.MinValue, 1).ShouldBe([long.MinValue]);
        Split(long.MinValue, 1, 1).ShouldBe([long.MinValue / 2, long.MinValue / 2]);
    }

    [Fact]
    public void Invalid_weights_are_refused()
    {
        Should.Throw<ArgumentException>(() => Split(100)).ParamName.ShouldBe("weights");
        Should.Throw<ArgumentException>(() => Split(100, 1, -1)).ParamName.ShouldBe("weights");
        Should.Throw<ArgumentException>(() => Split(100, 0, 0)).ParamName.ShouldBe("weights");
    }

    [Fact]
    public void Parts_always_sum_to_the_total_and_stay_within_a_cent_of_the_quota()
    {
        var random = new Random(20210714);
        for (int iteration = 0; iteration < 20_000; iteration++)
        {
            long total = iteration % 10 == 0
                ? random.NextInt64(long.MinValue, long.MaxValue)
                : random.NextInt64(-1_000_000_000_000, 1_000_000_000_000);
            long weightMax = iteration % 7 == 0 ? long.MaxValue : 1_000_000;
            long[] weights = Enumerable.Range(0, random.Next(1, 25))
                .Select(_ => random.Next(4) == 0 ? 0 : random.NextInt64(1, weightMax))
                .ToArray();
            if (weights.All(w => w == 0)) weights[^1] = 1;

            var parts = LargestRemainder.Allocate(new Money(total), weights);

            parts.Count.ShouldBe(weights.Length);
            parts.Aggregate(BigInteger.Zero, (sum, p) => sum + p.Cents).ShouldBe(new BigInteger(total));
            BigInteger weightSum = weights.Aggregate(BigInteger.Zero, (sum, w) => sum + w);
            for (int i = 0; i < weights.Length; i++)
            {
                // |part − total × w / Σw| < 1 cent, kept in integers.
                BigInteger deviation = BigInteger.Abs(parts[i].Cents * weightSum - total * (BigInteger)weights[i]);
                (deviation < weightSum).ShouldBeTrue($"iteration {iteration}, part {i}");
            }
        }
    }
}
