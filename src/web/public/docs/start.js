// Starts Swagger UI on GET /docs. A file of its own because the page's CSP allows no inline script.
const root = document.getElementById("swagger-ui");
globalThis.SwaggerUIBundle({
  url: root.dataset.spec,
  domNode: root,
  deepLinking: true,
  // Operation ids name the calls for a generated client; x-roles says who may make each.
  displayOperationId: true,
  showExtensions: true,
  // No badge from validator.swagger.io: this page talks to its own Worker only.
  validatorUrl: null,
});
