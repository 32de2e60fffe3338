using Microsoft.Extensions.Hosting;
using Pipeline.Functions;

await FunctionsApp.CreateBuilder().Build().RunAsync();
