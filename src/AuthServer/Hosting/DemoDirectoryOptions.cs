namespace Recovery.AuthServer.Hosting;

/// <summary>Bound from <c>DemoDirectory:*</c>.</summary>
public sealed class DemoDirectoryOptions
{
    public const string Section = "DemoDirectory";

    /// <summary>Load the demo customers at start-up. Default: on in Development, off elsewhere.</summary>
    public bool? Enabled { get; set; }

    /// <summary>The JSON file of demo customers, relative to the app's folder. Default <c>Data/demo-customers.json</c>.</summary>
    public string Path { get; set; } = "Data/demo-customers.json";
}
