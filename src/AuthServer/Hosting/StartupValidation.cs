using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Hosting;

/// <summary>
/// Validates every options class of the server before the host starts, and collects every failure: an operator
/// with five missing keys reads five lines and fixes them in one go, instead of one stack trace per attempt.
/// Program.cs prints them and exits with code 2; the host never starts, so nothing else logs them again.
/// </summary>
/// <remarks>
/// Why not leave it to <c>ValidateOnStart</c>: the host resolves its hosted services (and their dependencies, which
/// read options in their constructors) before it runs the start-up validation, so the first options class a
/// constructor reads fails alone, logged with a stack trace. Every options class bound under the server's namespace
/// is found from the service collection, so a new one (a provider's, a sender's) is covered by registering it.
/// </remarks>
public static partial class StartupValidation
{
    /// <summary>The exit code of a server that refuses its configuration.</summary>
    public const int ExitCode = 2;

    private const string OurNamespace = "Recovery.";

    /// <summary>The options classes the server binds: those with a validator or a configuration source registered.</summary>
    public static IReadOnlyList<Type> OptionsTypes(IServiceCollection services) =>
        [.. services.Select(d => d.ServiceType)
            .Where(t => t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(IValidateOptions<>) || t.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>)))
            .Select(t => t.GetGenericArguments()[0])
            .Where(t => t.FullName?.StartsWith(OurNamespace, StringComparison.Ordinal) == true)
            .Distinct()];

    /// <summary>Every failure of every options class in <paramref name="optionsTypes"/>, one line each; empty if none.</summary>
    public static IReadOnlyList<string> Collect(IServiceProvider services, IEnumerable<Type> optionsTypes)
    {
        ArgumentNullException.ThrowIfNull(services);
        var failures = new List<string>();
        foreach (var type in optionsTypes)
        {
            var factory = services.GetRequiredService(typeof(IOptionsFactory<>).MakeGenericType(type));
            var create = factory.GetType().GetMethod(nameof(IOptionsFactory<object>.Create))!;
            try
            {
                create.Invoke(factory, [Options.DefaultName]);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is OptionsValidationException invalid)
            {
                failures.AddRange(Readable(type, invalid.Failures));
            }
            catch (TargetInvocationException ex) when (ex.InnerException is InvalidOperationException bad && bad.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
            {
                // A value of the wrong shape (a TimeSpan "5 minutes", an int "ten"): the binder names the key and the value.
                failures.Add(bad.Message);
            }
        }

        return failures;
    }

    /// <summary>
    /// <see cref="Collect"/>, then, with a valid configuration, binds the listeners of their own
    /// (<see cref="IOwnListener"/>): an address already taken is one more line.
    /// </summary>
    public static async Task<IReadOnlyList<string>> CollectAndBindAsync(IServiceProvider services, IEnumerable<Type> optionsTypes)
    {
        var failures = Collect(services, optionsTypes).ToList();
        if (failures.Count == 0)
        {
            foreach (var listener in services.GetServices<IOwnListener>())
            {
                if (await listener.TryStartAsync(CancellationToken.None) is { } problem)
                {
                    failures.Add(problem);
                }
            }
        }

        return failures;
    }

    /// <summary>What an operator reads on standard error.</summary>
    public static string Report(IEnumerable<string> failures) =>
        "AuthServer cannot start; configuration errors:\n  " + string.Join("\n  ", failures);

    /// <summary>The configuration failures <paramref name="exception"/> carries (alone or aggregated); null if it is something else.</summary>
    public static IReadOnlyList<string>? Failures(Exception exception)
    {
        var all = exception is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [exception];
        return all.All(e => e is OptionsValidationException) ? [.. all.Cast<OptionsValidationException>().SelectMany(e => e.Failures)] : null;
    }

    /// <summary>
    /// Data-annotation failures named by configuration key ("Secrets:CodeKey: The CodeKey field is required.",
    /// "RateLimits:PerCard:Limit: The field Limit must be between 1 and 1000000."), and dropped where the class's own
    /// validator already says more about the same key.
    /// </summary>
    /// <remarks>
    /// The generated validators report "Member: The field Type.Path.To.Member …" (the display name is the member's path
    /// from the options class, list items as <c>Items[0]</c>); an operator knows configuration keys, not C# paths.
    /// </remarks>
    private static IEnumerable<string> Readable(Type type, IEnumerable<string> failures)
    {
        var section = type.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string;
        var all = failures.Select(f => Keyed(type, section, f)).ToList();
        foreach (var (failure, key) in all)
        {
            if (key is null)
            {
                yield return failure;
            }
            else if (!all.Any(other => other.Failure != failure && other.Failure.StartsWith(key + " ", StringComparison.Ordinal)))
            {
                yield return failure;
            }
        }
    }

    /// <summary>A generated validator's failure rewritten with its configuration key, and that key; else as it came, no key.</summary>
    private static (string Failure, string? Key) Keyed(Type type, string? section, string failure)
    {
        var match = GeneratedFailure().Match(failure);
        var prefix = type.Name + ".";
        var at = match.Success ? match.Groups["error"].Value.IndexOf(prefix, StringComparison.Ordinal) : -1;
        if (at < 0)
        {
            return (failure, null);
        }

        var error = match.Groups["error"].Value;
        var path = MemberPath().Match(error, at + prefix.Length).Value;
        var member = match.Groups["member"].Value;
        var key = (section is null ? "" : section + ":") + path.Replace("[", ":", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Replace('.', ':');
        return ($"{key}: {error.Remove(at, prefix.Length + path.Length).Insert(at, member)}", key);
    }

    [GeneratedRegex(@"^(?<member>[A-Za-z0-9_]+): (?<error>.*)$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex GeneratedFailure();

    [GeneratedRegex(@"\G[A-Za-z0-9_.\[\]]*[A-Za-z0-9_\]]", RegexOptions.CultureInvariant)]
    private static partial Regex MemberPath();
}
