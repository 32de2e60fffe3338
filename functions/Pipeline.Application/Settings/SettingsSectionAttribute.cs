namespace Pipeline.Application.Settings;

/// <summary>
/// Marks an options class bound from configuration section <see cref="Name"/> (e.g. "Pipeline:Cosmos"; in app
/// settings "Pipeline__Cosmos__Endpoint"). The settings contract test finds every such class and checks that
/// infra/ sets each of its properties on the Function App and that local.settings.sample.json lists it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SettingsSectionAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
