//! Frontend calls as real applications write them: every call of each fixture under
//! `fixtures/frontends/`, asserted exactly through `routelint calls` (method, path template,
//! location, client; unresolved calls with their reason).

mod common;

use common::{fixture, routelint};

fn calls_of(app: &str) -> String {
    let path = fixture(&format!("frontends/{app}"));
    let run = routelint(&["calls", path.to_str().expect("utf-8 path")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

#[test]
fn react_superagent_calls() {
    let expected = "\
src/agent.js:30:18                     GET     /api/user  [requests.get]
src/agent.js:32:19                     POST    /api/users/login  [requests.post]
src/agent.js:34:19                     POST    /api/users  [requests.post]
src/agent.js:36:18                     PUT     /api/user  [requests.put]
src/agent.js:40:30                     GET     /api/tags  [requests.get]
src/agent.js:47:18                     GET     /api/articles  [requests.get]
src/agent.js:49:18                     GET     /api/articles  [requests.get]
src/agent.js:53:19                     POST    /api/articles/{slug}/favorite  [requests.post]
src/agent.js:57:18                     PUT     /api/articles/{slug}  [requests.put]
src/agent.js:59:19                     POST    /api/articles  [requests.post]
src/agent.js:64:19                     POST    /api/articles/{slug}/comments  [requests.post]
src/agent.js:66:18                     DELETE  /api/articles/{slug}/comments/{commentId}  [requests.del]
src/components/Article/index.js:11:26  GET     /api/articles/{id}  [agent.Articles.get]
src/components/Article/index.js:12:33  GET     /api/articles/{id}/comments  [agent.Comments.forArticle]
src/components/Settings/index.js:6:52  DELETE  /api/articles/{slug}  [agent.Articles.del]
15 calls, 0 unresolved
";
    assert_eq!(calls_of("react-superagent"), expected);
}

#[test]
fn vue_app_calls() {
    let expected = "\
src/api/posts.ts:8:49         GET     /blog/api/posts  [http.get]
src/api/posts.ts:12:10        PATCH   /blog/api/posts/{id}  [http.request]
src/api/posts.ts:12:10        POST    /blog/api/posts  [http.request]
src/views/PostList.vue:7:31   POST    /blog/api/newsletter  [form]
src/views/PostList.vue:20:31  GET     /blog/api/tags  [http.get]
src/views/PostList.vue:22:15  GET     ? (the URL starts with `import.meta.env.VITE_UPLOADS_URL`, which is an environment variable no `.env` file of the repository (nor `[client] env` in routelint.toml) sets)  [fetch]
src/views/PostList.vue:24:15  GET     https://status.example.com/api/summary  [fetch]
src/views/PostList.vue:28:21  DELETE  /blog/api/posts/{id}  [deletePost]
8 calls, 1 unresolved
";
    assert_eq!(calls_of("vue-app"), expected);
}

#[test]
fn vue2_plugin_calls() {
    // axios as a Vue plugin: the base set on `Vue.axios.defaults` in one module applies to
    // `this.$http` in a component (which repeats it: `/recipes/api/recipes/api/…`); a
    // `slug = ""` default and a condition in a wrapper's argument give their paths.
    let expected = "\
src/common/api.service.js:38:29   GET     /recipes/api/recipes/feed  [ApiService.query]
src/common/api.service.js:38:29   GET     /recipes/api/recipes  [ApiService.query]
src/common/api.service.js:44:30   PUT     /recipes/api/recipes/{slug}  [ApiService.update]
src/common/api.service.js:53:27   GET     /recipes/api/tags/  [ApiService.get]
src/store/recipe.module.js:5:47   GET     /recipes/api/recipes/{slug}  [RecipesService.get]
src/store/recipe.module.js:9:34   DELETE  /recipes/api/recipes/{slug}  [RecipesService.destroy]
src/store/recipe.module.js:15:28  POST    /recipes/api/users/login  [ApiService.post]
src/views/Profile.vue:17:30       POST    /recipes/api/recipes/api/profiles/{username}/follow  [this.$http.post]
8 calls, 0 unresolved
";
    assert_eq!(calls_of("vue2-plugin"), expected);
}

#[test]
fn a_component_repeating_the_apps_axios_base_is_a_duplicated_prefix() {
    // No backend in this fixture: the other calls cannot be traced (unresolved-call, info);
    // the repeated base is an error on its own.
    let (code, findings) = common::findings_of("frontends/vue2-plugin");
    assert_eq!(code, 1);
    let errors: Vec<&String> = findings
        .iter()
        .filter(|f| !f.starts_with("unresolved-call"))
        .collect();
    assert_eq!(
        errors,
        [
            "duplicated-prefix 404 src/views/Profile.vue:17:30 POST /recipes/api/recipes/api/profiles/{username}/follow"
        ]
    );
    assert_eq!(findings.len(), 9, "{findings:#?}");
}

#[test]
fn angular_app_calls() {
    let expected = "\
src/app/core/services/articles.service.ts:17:7   GET     /api/articles/feed  [this.http.get]
src/app/core/services/articles.service.ts:17:7   GET     /api/articles  [this.http.get]
src/app/core/services/articles.service.ts:24:34  GET     /api/articles/{slug}  [this.http.get]
src/app/core/services/articles.service.ts:29:35  DELETE  /api/articles/{slug}  [this.http.delete]
src/app/core/services/articles.service.ts:34:35  POST    /api/articles/  [this.http.post]
src/app/core/services/articles.service.ts:40:34  PUT     /api/articles/{slug}  [this.http.put]
src/app/core/services/articles.service.ts:47:49  DELETE  /api/articles/{slug}/favorite  [this.http.request]
src/app/core/services/profile.service.ts:9:28    GET     /api/profiles/{username}  [this.client.get]
src/app/core/services/profile.service.ts:13:29   POST    /api/profiles/{username}/follow  [this.client.post]
9 calls, 0 unresolved
";
    assert_eq!(calls_of("angular-app"), expected);
}

#[test]
fn angularjs_app_calls() {
    let expected = "\
app/owners/owner.service.js:7:24   GET     /api/customer/owners  [$http.get]
app/owners/owner.service.js:10:24  GET     /api/customer/owners/{ownerId}  [$http.get]
app/owners/owner.service.js:16:14  PUT     /api/customer/owners/{id}  [$http]
app/owners/owner.service.js:16:14  POST    /api/customer/owners  [$http]
app/owners/owner.service.js:20:25  POST    /api/customer/owners/{ownerId}/pets  [$http.post]
app/vets/vets.controller.js:5:13   GET     /api/vet/vets  [$http.get]
index.html:14:19                   GET     /api/vets  [$.ajax]
7 calls, 0 unresolved
";
    assert_eq!(calls_of("angularjs-app"), expected);
}

#[test]
fn plain_js_calls() {
    let expected = "\
js/cart.js:4:16   PATCH   /shop/api/v1/cart/items/{id}  [fetch]
js/cart.js:4:16   POST    /shop/api/v1/cart/items  [fetch]
js/cart.js:11:14  GET     /shop/api/v1/cart  [api]
js/cart.js:15:14  DELETE  /shop/api/v1/cart  [api]
js/cart.js:20:20  HEAD    /shop/api/health  [xhr.open]
js/cart.js:23:16  POST    https://analytics.example.net/collect  [fetch]
js/cart.js:32:16  GET     ? (the URL starts with `window.SEARCH_ROOT`, which is not a constant in this file)  [fetch]
7 calls, 1 unresolved
";
    assert_eq!(calls_of("plain-js"), expected);
}

#[test]
fn calls_as_json_name_each_unresolved_reason() {
    let path = fixture("frontends/plain-js");
    let run = routelint(&[
        "calls",
        "--format",
        "json",
        path.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let calls = v["calls"].as_array().expect("calls");
    assert_eq!(calls.len(), 7);
    let last = &calls[6];
    assert_eq!(last["file"], "js/cart.js");
    assert_eq!(last["line"], 32);
    assert_eq!(last["method"], "GET");
    assert_eq!(last["url"], serde_json::Value::Null);
    assert_eq!(
        last["unresolved"],
        "the URL starts with `window.SEARCH_ROOT`, which is not a constant in this file"
    );
    assert_eq!(calls[2]["client"], "api");
    assert_eq!(calls[2]["url"], "/shop/api/v1/cart");
}

#[test]
fn an_angular_interceptor_prefix_makes_unprefixed_service_paths_reach_the_backend() {
    let (code, findings) = common::findings_of("frontends/angular-istio");
    assert_eq!(findings, Vec::<String>::new());
    assert_eq!(code, 0);
}

#[test]
fn duplicated_prefix_names_the_prefix_a_base_or_wrapper_adds_twice() {
    let (code, findings) = common::findings_of("rules/duplicated-prefix/triggers");
    assert_eq!(code, 1);
    // Only duplicated-prefix: missing-strip-prefix and no-route stay silent for these calls.
    assert_eq!(
        findings,
        [
            "duplicated-prefix 404 web/src/cart.ts:4:29 GET /shop/api/shop/api/cart",
            "duplicated-prefix 404 web/src/cart.ts:9:17 POST /shop/api/shop/api/cart/items",
        ]
    );
    let path = fixture("rules/duplicated-prefix/triggers");
    let run = routelint(&["check", path.to_str().expect("utf-8 path")]);
    assert!(
        run.stdout.contains("/shop/api is added here"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("web/src/http.ts:4:44"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("web/src/http.ts:7:16"),
        "{}",
        run.stdout
    );
    let (code, findings) = common::findings_of("rules/duplicated-prefix/silent");
    assert_eq!(findings, Vec::<String>::new());
    assert_eq!(code, 0);
}

#[test]
fn routelint_toml_supplies_env_values_and_the_page_base_the_repository_lacks() {
    let run = routelint(&[
        "calls",
        fixture("frontends/client-config").to_str().unwrap_or(""),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "src/api.js:3:39  GET     /shop/api/orders  [fetch]\n\
         src/api.js:5:36  GET     /shop/api/cart  [fetch]\n\
         src/api.js:6:41  POST    /shop/api/cart/checkout  [fetch]\n\
         3 calls, 0 unresolved\n"
    );
}

#[test]
fn legacy_sdk_service_methods_are_calls_where_the_app_calls_them() {
    let expected = "\
frontend/src/pages/Notes.tsx:8:20   GET     /api/v1/notes/  [NotesService.listNotes]
frontend/src/pages/Notes.tsx:10:56  GET     /api/v1/tags/  [TagsService.listTags]
frontend/src/pages/Notes.tsx:13:7   PUT     /api/v1/notes/{note_id}  [NotesService.updateNote]
frontend/src/pages/Notes.tsx:16:11  POST    /api/v1/notes/{note_id}/archive  [NotesService.archiveNote]
4 calls, 0 unresolved
";
    assert_eq!(calls_of("hey-api-legacy"), expected);
    let (code, findings) = common::findings_of("frontends/hey-api-legacy");
    assert_eq!(
        findings,
        ["no-route 404 frontend/src/pages/Notes.tsx:16:11 POST /api/v1/notes/{note_id}/archive"]
    );
    assert_eq!(code, 1);
}

#[test]
fn hey_api_client_operations_take_the_base_the_app_sets() {
    let expected = "\
web/src/views/books.ts:4:26   GET     /store/api/books  [listBooks]
web/src/views/books.ts:8:39   POST    /store/api/books  [createBook]
web/src/views/books.ts:11:3   PATCH   /store/api/books/{book_id}  [patchBook]
web/src/views/books.ts:13:40  GET     /store/api/shelves/{shelf}  [ShelvesService.readShelf]
4 calls, 0 unresolved
";
    assert_eq!(calls_of("hey-api-client"), expected);
    let (code, findings) = common::findings_of("frontends/hey-api-client");
    assert_eq!(
        findings,
        ["method-not-allowed 405 web/src/views/books.ts:11:3 PATCH /store/api/books/{book_id}"]
    );
    assert_eq!(code, 1);
}
