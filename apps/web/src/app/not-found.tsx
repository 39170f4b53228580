import Link from 'next/link';

export default function NotFound() {
  return (
    <section className="panel narrow">
      <h1>Not found</h1>
      <p>This page does not exist, or you do not have access to it.</p>
      <p>
        <Link href="/media">Back to my media</Link>
      </p>
    </section>
  );
}
