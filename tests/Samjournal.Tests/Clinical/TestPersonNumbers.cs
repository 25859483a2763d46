namespace Samjournal.Tests.Clinical;

/// <summary>
/// Builds person numbers for tests straight from the published algorithm, independently of
/// the code under test. Plain (non-synthetic) numbers in the tests use birth dates after today
/// or the 900-999 series for 1940-1999, which is not yet issued, so none can be a real person's.
/// </summary>
internal static class TestPersonNumbers
{
    private static readonly int[] K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
    private static readonly int[] K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

    /// <summary>
    /// Nine digits plus a first check digit chosen so that the first weighted sum has
    /// <paramref name="firstRemainder"/> mod 11, and a strict second check digit; null if impossible.
    /// </summary>
    public static string? Build(string nineDigits, int firstRemainder)
    {
        var k1 = Mod11(firstRemainder - Sum(nineDigits, K1));
        if (k1 > 9)
        {
            return null;
        }

        var ten = nineDigits + k1;
        var k2 = Mod11(-Sum(ten, K2));
        return k2 > 9 ? null : ten + k2;
    }

    private static int Sum(string digits, int[] weights) =>
        weights.Select((w, i) => w * (digits[i] - '0')).Sum();

    private static int Mod11(int value) => ((value % 11) + 11) % 11;
}
