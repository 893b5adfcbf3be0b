namespace FlutHilfe.Domain.Shared;

/// <summary>Splits money by weights with the largest remainder (Hamilton) method.</summary>
public static class LargestRemainder
{
    /// <summary>
    /// Each part gets the floor of its exact quota; the cents left over go one each to the parts
    /// with the largest remainders, ties to the lowest index. The parts always sum to <paramref name="total"/>.
    /// A negative total is split as the mirror image of the positive one.
    /// </summary>
    public static IReadOnlyList<Money> Allocate(Money total, IReadOnlyList<long> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0)
            throw new ArgumentException("At least one weight is required.", nameof(weights));
        if (weights.Any(w => w < 0))
            throw new ArgumentException("Weights must not be negative.", nameof(weights));

        // Int128: cents × weight and the weight sum can both exceed long.
        Int128 weightSum = 0;
        foreach (long w in weights) weightSum += w;
        if (weightSum == 0)
            throw new ArgumentException("At least one weight must be positive.", nameof(weights));

        bool negative = total.IsNegative;
        Int128 amount = negative ? -(Int128)total.Cents : total.Cents;

        var parts = new Int128[weights.Count];
        var remainders = new Int128[weights.Count];
        Int128 distributed = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            Int128 product = amount * weights[i];
            parts[i] = product / weightSum;
            remainders[i] = product % weightSum;
            distributed += parts[i];
        }

        // Fewer leftover cents than parts, since each remainder is below one cent.
        int leftover = (int)(amount - distributed);
        foreach (int i in Enumerable.Range(0, weights.Count)
                     .OrderByDescending(i => remainders[i]).ThenBy(i => i).Take(leftover))
            parts[i]++;

        return parts.Select(p => new Money(checked((long)(negative ? -p : p)))).ToArray();
    }
}
