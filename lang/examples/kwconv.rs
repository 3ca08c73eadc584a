use datalex_lang::format::{format_with, Options};
use datalex_lang::keywords::KeywordLang;
fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap();
        let zh = format_with(
            &text,
            &Options {
                keywords: Some(KeywordLang::Zh),
                shape: None,
            },
        );
        let zh = match zh {
            Ok(z) => z,
            Err(e) => {
                println!("ERRZH {path} {e:?}");
                continue;
            }
        };
        std::fs::write(format!("/tmp/kwx/{}", path.replace('/', "_")), &zh).unwrap();
        match format_with(
            &zh,
            &Options {
                keywords: Some(KeywordLang::En),
                shape: None,
            },
        ) {
            Ok(en) => {
                if en != text {
                    println!("DIFF {path}");
                    std::fs::write(format!("/tmp/kwx/{}.en", path.replace('/', "_")), &en).unwrap();
                }
            }
            Err(e) => println!("ERREN {path} {e:?}"),
        }
    }
}
