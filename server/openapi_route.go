package server

// OpenAPIPath is where the OpenAPI 3 document of every route is served.
const OpenAPIPath = "/api/openapi.json"
