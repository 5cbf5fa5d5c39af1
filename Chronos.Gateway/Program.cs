var builder = WebApplication.CreateBuilder(args);
builder.AddBasicServiceDefaults();
builder.AddChronosGateway();
var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
