namespace Recovery.AuthServer.SharedTests;

/// <summary>The checkout the tests run from: the directory above the test binaries that holds <c>Recovery.sln</c>.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Found = new(Find);

    /// <summary>The checkout's root directory (docs/, scripts/ and .tools/ are read from there).</summary>
    public static string Path => Found.Value;

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Recovery.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Recovery.sln not found above " + AppContext.BaseDirectory);
    }
}
