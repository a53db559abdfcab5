using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Passwords.Strength;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// The server's word lists (the common-password list, the strength dictionaries and the estimator built from
/// them: some 215,000 entries read, normalised and indexed), loaded once per test process instead of once per
/// test server. The first server to need one builds it with its own registration, exactly as it would alone;
/// the others reuse that instance when their data folder holds the same files (same path, sizes and time
/// stamps) and, for the estimator, the same bank words. A test that points <c>Passwords:Policy:DataDirectory</c>
/// at other files gets them loaded afresh, and a load that fails is never kept, so a missing or damaged list
/// still stops that test's server. The instances are immutable and already shared by every call of one server.
/// </summary>
internal static class SharedWordLists
{
    private static readonly ConcurrentDictionary<string, Lazy<object>> Loaded = new(StringComparer.Ordinal);

    /// <summary>Replaces the server's registrations of the lists with process-wide shared instances.</summary>
    public static void Share(IServiceCollection services)
    {
        Share<CommonPasswordList>(services, sp => DataStamp(sp));
        Share<StrengthDictionaries>(services, sp => DataStamp(sp));
        Share<StrengthEstimator>(services, sp => DataStamp(sp) + "|bank=" + string.Join(',', Policy(sp).BankWords));
    }

    private static void Share<T>(IServiceCollection services, Func<IServiceProvider, string> key)
        where T : class
    {
        var real = services.Last(d => d.ServiceType == typeof(T));
        services.RemoveAll<T>();
        services.AddSingleton(sp => Get(typeof(T).FullName + "|" + key(sp), () => RecoveryServerFactory.Resolve<T>(sp, real)));
    }

    private static T Get<T>(string key, Func<T> load)
        where T : class
    {
        var entry = Loaded.GetOrAdd(key, _ => new Lazy<object>(load));
        try
        {
            return (T)entry.Value;
        }
        catch
        {
            // A failed load (missing or damaged list) is the test's subject: never cached, so every server that meets it fails.
            Loaded.TryRemove(new KeyValuePair<string, Lazy<object>>(key, entry));
            throw;
        }
    }

    private static PasswordPolicyOptions Policy(IServiceProvider services) =>
        services.GetRequiredService<IOptions<PasswordPolicyOptions>>().Value;

    /// <summary>The data folder's full path and, for every file in it, its relative path, size and last write time.</summary>
    private static string DataStamp(IServiceProvider services)
    {
        var folder = Path.GetFullPath(Policy(services).DataPath);
        if (!Directory.Exists(folder))
        {
            return folder + "|missing";
        }

        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => new FileInfo(f))
            .Select(f => string.Create(CultureInfo.InvariantCulture, $"{Path.GetRelativePath(folder, f.FullName)}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));
        return folder + "|" + string.Join('|', files);
    }
}
