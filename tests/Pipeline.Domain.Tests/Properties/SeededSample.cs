using CsCheck;

namespace Pipeline.Domain.Tests.Properties;

/// <summary>
/// Runs a property over values drawn from a CsCheck generator with a fixed seed, one PCG stream per sample, so
/// every CI run checks exactly the same cases and a failure names the stream that reproduces it. (CsCheck's own
/// Sample uses a seed only for its first iteration; we trade its shrinking for determinism.)
/// </summary>
internal static class SeededSample
{
    public static void Run<T>(Gen<T> gen, ulong seed, int samples, Action<T> property)
    {
        for (var stream = 0u; stream < samples; stream++)
        {
            var value = gen.Generate(new PCG(stream, seed), null, out _);
            try
            {
                property(value);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"Property failed for seed {seed}, stream {stream}: {e.Message}", e);
            }
        }
    }
}
