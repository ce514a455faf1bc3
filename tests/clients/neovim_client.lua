-- Drive charseg-lsp from headless Neovim (0.7 API) and record what it receives.
--
-- Environment: CHARSEG_LSP_CMD (JSON list, the server command), CHARSEG_FILE (the
-- file to open) and CHARSEG_OUT (where the JSON record is written). Exits with
-- status 1 (cquit) when something does not arrive in time.

local cmd = vim.fn.json_decode(os.getenv("CHARSEG_LSP_CMD"))
local file = os.getenv("CHARSEG_FILE")
local out = os.getenv("CHARSEG_OUT")
local timeout_ms = 60000

local record = { regions = {}, diagnostic_versions = {}, errors = {} }

local function finish(status)
  vim.fn.writefile({ vim.fn.json_encode(record) }, out)
  if status ~= 0 then
    vim.cmd("cquit 1")
  end
  vim.cmd("qall!")
end

local function fail(message)
  table.insert(record.errors, message)
  finish(1)
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
record.filetype = vim.bo[buf].filetype

local client_id = vim.lsp.start_client({
  name = "charseg",
  cmd = cmd,
  root_dir = vim.fn.fnamemodify(file, ":h"),
  init_options = { confidenceThreshold = 0, minRegion = 1 },
  handlers = {
    ["charseg/regions"] = function(_, result)
      table.insert(record.regions, result)
    end,
    ["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
      table.insert(record.diagnostic_versions, result.version or vim.NIL)
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
  },
})
if client_id == nil then
  fail("vim.lsp.start_client returned nil")
end
vim.lsp.buf_attach_client(buf, client_id)

local function has_version(version)
  for _, payload in ipairs(record.regions) do
    if payload.version == version then
      return true
    end
  end
  return false
end

local function diagnostics_for(version)
  for _, published in ipairs(record.diagnostic_versions) do
    if published == version then
      return true
    end
  end
  return false
end

if not vim.wait(timeout_ms, function() return has_version(0) and diagnostics_for(0) end, 50) then
  fail("no regions and diagnostics for version 0")
end
record.diagnostics = {}
for _, diagnostic in ipairs(vim.diagnostic.get(buf)) do
  table.insert(record.diagnostics, {
    lnum = diagnostic.lnum,
    end_lnum = diagnostic.end_lnum,
    message = diagnostic.message,
    severity = diagnostic.severity,
    source = diagnostic.source,
  })
end

vim.api.nvim_buf_set_lines(buf, 0, 0, false, { "# a line added by the test" })
local edited_version = vim.lsp.util.buf_versions[buf]
record.edited_version = edited_version
if not vim.wait(timeout_ms, function() return has_version(edited_version) end, 50) then
  fail("no regions for the edited version " .. tostring(edited_version))
end
record.edited_text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n") .. "\n"

local params = { textDocument = vim.lsp.util.make_text_document_params(buf) }
local responses = vim.lsp.buf_request_sync(buf, "textDocument/documentSymbol", params, timeout_ms)
if responses == nil or responses[client_id] == nil then
  fail("no answer to textDocument/documentSymbol")
end
record.symbols = responses[client_id].result

vim.lsp.stop_client(client_id)
vim.wait(5000, function() return vim.lsp.client_is_stopped(client_id) end, 50)
finish(0)
