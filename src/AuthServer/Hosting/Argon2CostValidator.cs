using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.Hosting;

/// <summary>
/// The Argon2id cost floor by environment. Outside Development a cost below OWASP's minimum (19456 KiB, 2 passes)
/// is a configuration error (one line per key, exit code 2). Development may go down to Argon2's own floor
/// (8 KiB per lane, 1 pass) so that the tests' in-process servers, which are not about hashing, do not pay
/// production cost thousands of times.
/// </summary>
public sealed class Argon2CostValidator(IHostEnvironment environment) : IValidateOptions<Argon2Options>
{
    public ValidateOptionsResult Validate(string? name, Argon2Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        // Argon2 needs 8 KiB per lane; below it the engines throw at the first hash instead of at start.
        if (options.MemoryKib < Argon2Options.FloorMemoryKibPerLane * options.Parallelism)
        {
            failures.Add($"Passwords:Argon2:MemoryKib is {options.MemoryKib}, below Argon2's floor of {Argon2Options.FloorMemoryKibPerLane} KiB per lane ({Argon2Options.FloorMemoryKibPerLane * options.Parallelism} KiB for Parallelism {options.Parallelism}).");
        }

        // Why only Development: a stolen hash database is guessed offline at whatever cost the hashes name, so a cheap
        // profile must never reach a server that holds real customers' passwords. Staging and any unnamed environment
        // are held to Production's floor too.
        if (!environment.IsDevelopment())
        {
            if (options.MemoryKib < Argon2Options.MinimumMemoryKib)
            {
                failures.Add($"Passwords:Argon2:MemoryKib is {options.MemoryKib}, below OWASP's minimum of {Argon2Options.MinimumMemoryKib} KiB: a lower cost runs only in Development, not in {environment.EnvironmentName}.");
            }

            if (options.Iterations < Argon2Options.MinimumIterations)
            {
                failures.Add($"Passwords:Argon2:Iterations is {options.Iterations}, below OWASP's minimum of {Argon2Options.MinimumIterations}: a lower cost runs only in Development, not in {environment.EnvironmentName}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
