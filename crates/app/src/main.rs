//! The browser entry point: mount the app on the page's body.

fn main() {
    yew::Renderer::<synack_app::app::App>::new().render();
}
